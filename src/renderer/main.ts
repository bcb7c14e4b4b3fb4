import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('The popup page has no #app element.');
if (!window.api) {
  // Opened without the preload or the preview bridge: say so instead of a blank window.
  target.textContent = 'B24 Unread Tray: window.api is missing (open the popup through the app or `npm run web`).';
} else {
  mount(App, { target });
}
