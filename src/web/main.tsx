import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
// Side-effect import: initialises i18next before the first render.
import './i18n/i18n';
import { AppRoutes } from './app-routes';
import './styles/base.css';
import './styles/console.css';
import './styles/live-room.css';
import './styles/viewer.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html is missing #root');

createRoot(container).render(
  <StrictMode>
    <BrowserRouter>
      <AppRoutes />
    </BrowserRouter>
  </StrictMode>,
);
