import { secureHeaders } from 'hono/secure-headers';

/**
 * Applied to every response, static pages included (the worker runs first for all paths).
 * No inline script or style is allowed: Astro is built to emit external files only.
 * A response that sets one of these headers itself keeps its own (`overwrite: false`): the bill
 * PDF (worker/billing/documents.ts) sets a CSP under which the browser's PDF viewer can run.
 */
export const portalSecureHeaders = () =>
  secureHeaders({
    overwrite: false,
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      objectSrc: ["'none'"],
    },
    strictTransportSecurity: 'max-age=63072000; includeSubDomains',
    xFrameOptions: 'DENY',
    referrerPolicy: 'strict-origin-when-cross-origin',
    crossOriginOpenerPolicy: 'same-origin',
    crossOriginResourcePolicy: 'same-origin',
    permissionsPolicy: {
      camera: [],
      microphone: [],
      geolocation: [],
      payment: [],
      browsingTopics: [],
    },
  });
