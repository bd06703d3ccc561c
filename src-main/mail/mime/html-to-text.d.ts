// html-to-text 10 ships no type declarations; this covers the one call the parser makes.
// Options follow the package README (https://github.com/html-to-text/node-html-to-text).
declare module 'html-to-text' {
  export interface SelectorDefinition {
    selector: string;
    format?: string;
    options?: Record<string, unknown>;
  }
  export interface HtmlToTextOptions {
    wordwrap?: number | false | null;
    baseElements?: { selectors?: string[]; returnDomByDefault?: boolean };
    selectors?: SelectorDefinition[];
    limits?: { maxInputLength?: number; maxDepth?: number; maxChildNodes?: number; ellipsis?: string };
    decodeEntities?: boolean;
  }
  export function convert(html: string, options?: HtmlToTextOptions): string;
}
