/** The bill page's "Print this bill" button: hidden without JavaScript (the browser's own print command works then). */
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
