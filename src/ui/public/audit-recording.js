/* global document */
import { h } from './common.js';
import { showRecording } from './recording-player.js';

/** Opens a permit's recording under the audit summary (recording-player.js; one at a time). */
export function openRecording(permitId, label) {
  let panel = document.getElementById('recording-panel');
  if (!panel) {
    panel = h('section', { id: 'recording-panel', class: 'card' });
    document.getElementById('audit-summary').after(panel);
  }
  return showRecording(panel, permitId, label);
}
