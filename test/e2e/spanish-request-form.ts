import type { Page } from 'playwright-core';

/**
 * Fills the Spanish privacy request form (on the page already open) as the customer asking to know
 * what is held about them, signs it and sends it; the status page with the receipt answers.
 */
export async function sendSpanishKnowRequest(page: Page, customer: { holderName: string; accountNumber: string; servicePoint: { postalCode: string } }, email: string) {
  await page.getByLabel('Saber qué información tienen sobre mí').check();
  await page.getByLabel('Nombre completo del cliente').fill(customer.holderName);
  await page.getByLabel('Correo electrónico para comunicarnos').fill(email);
  await page.getByLabel('Número de cuenta de servicios').fill(customer.accountNumber);
  await page.getByLabel('Código postal (ZIP)').fill(customer.servicePoint.postalCode);
  await page.getByLabel('Declaro que la información').check();
  await page.getByLabel('Escriba su nombre completo para firmar').fill(customer.holderName);
  await page.getByRole('button', { name: 'Enviar mi solicitud' }).click();
  await page.locator('[data-state]').waitFor();
}
