/**
 * The phone icons as inline SVG (no image files, no fonts): a lock (encrypted), a shield
 * (authenticated), and for "no icon" a dashed empty badge, so the three differ in shape as well
 * as colour. Each is paired with its word (labels.ts); the SVG itself is hidden from screen readers.
 */
import type { SecurityIcon } from './api-types.js';
import { ICON_LABELS } from './labels.js';

const SVG = 'http://www.w3.org/2000/svg';

function svgElement(name: string, attrs: Readonly<Record<string, string>>): SVGElement {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function drawing(icon: SecurityIcon): SVGElement {
  const svg = svgElement('svg', { viewBox: '0 0 24 24', width: '20', height: '20', 'aria-hidden': 'true', focusable: 'false' });
  if (icon === 'lock') {
    svg.append(
      svgElement('path', { d: 'M7 11V8a5 5 0 0 1 10 0v3', fill: 'none', stroke: 'currentColor', 'stroke-width': '2.2' }),
      svgElement('rect', { x: '4.5', y: '11', width: '15', height: '10', rx: '2', fill: 'currentColor' }),
      svgElement('circle', { cx: '12', cy: '16', r: '1.6', fill: '#fff' }),
    );
  } else if (icon === 'shield') {
    svg.append(
      svgElement('path', { d: 'M12 2.5 20 5.5v6c0 5-3.4 8.6-8 10-4.6-1.4-8-5-8-10v-6z', fill: 'currentColor' }),
      svgElement('path', { d: 'M8.5 12.2 11 14.6l4.6-5', fill: 'none', stroke: '#fff', 'stroke-width': '2' }),
    );
  } else {
    svg.append(svgElement('rect', { x: '4', y: '4', width: '16', height: '16', rx: '4', fill: 'none', stroke: 'currentColor', 'stroke-width': '1.6', 'stroke-dasharray': '3 2.5' }));
  }
  return svg;
}

/**
 * `<span class="icon icon-lock" data-icon="lock"><svg/>Lock</span>`: the word (the icon's name,
 * or `label`, e.g. the call's status) is the accessible name.
 */
export function iconBadge(icon: SecurityIcon, className: string, label: string = ICON_LABELS[icon]): HTMLElement {
  const badge = document.createElement('span');
  badge.className = `icon icon-${icon} ${className}`;
  badge.dataset.icon = icon;
  const word = document.createElement('span');
  word.className = 'icon-label';
  word.textContent = label;
  badge.append(drawing(icon), word);
  return badge;
}
