// The `listPaneWidth` setting's bounds and default, CSS px: the contract's LIST_PANE_WIDTH
// and default, restated because the renderer imports only types from the contract (a unit
// test keeps the two equal).
export const PANE_WIDTH = { min: 280, max: 900, default: 400 } as const;
