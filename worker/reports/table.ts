/**
 * A report's table: a caption, column headers, each row headed by its first cell; in a region that
 * scrolls on its own (and takes the keyboard focus to do so) on a narrow screen, named by the caption.
 * Cells are text: escaped here.
 */
import { esc } from '../requests/page-fill';

export function reportTable(caption: string, head: string[], rows: string[][]): string {
  return `<div class="table-scroll" role="region" aria-label="${esc(caption)}" tabindex="0"><table><caption>${esc(caption)}</caption><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map(([first, ...rest]) => `<tr><th scope="row">${esc(first)}</th>${rest.map((cell) => `<td>${esc(cell)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}
