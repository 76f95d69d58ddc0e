// The merchant dashboard's entry (decision 011): built by vite.dashboard.config.ts into dist/dashboard.
import './app.ts';
