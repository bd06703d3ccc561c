// Renderer entry: styles, then the app into #root.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles/base.css';
import './styles/layout.css';
import './styles/inbox.css';
import './styles/thread.css';
import './styles/settings.css';
import './styles/onboarding.css';
import './styles/compose.css';
import './styles/templates.css';
import { App } from './app/app.tsx';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
