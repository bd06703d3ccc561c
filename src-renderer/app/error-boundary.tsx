// Catches a render failure in one area so the rest of the window keeps working, and offers
// to try again instead of a blank screen.
import { Component, type ReactNode } from 'react';

interface Props {
  area: string;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="error-panel" role="alert">
        <p>The {this.props.area} could not be shown: {this.state.error.message}</p>
        <button type="button" className="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
