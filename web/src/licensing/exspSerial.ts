import { api, type ExspActivation, type ExspSerialValidation } from '../api/client';
import { authorizedResult, type ApiResult } from '../auth/session';

/** What Home says once the partner has joined the ExSP program. */
export const ACTIVATED_MESSAGE = 'Your ExSP serial number is active: you can now provision paid subscriptions.';

/** The `status` of a serial number that can be activated. */
export const SERIAL_AVAILABLE = 'available';

/**
 * Checks an ExSP serial number without changing anything. The answer carries the
 * canonical, grouped form of the serial number.
 */
export function validateExspSerial(serial: string): Promise<ApiResult<ExspSerialValidation>> {
  return authorizedResult((headers) =>
    api.POST('/api/v1/licensing/exsp-serial/validate', { body: { serial }, headers }),
  );
}

/** Activates an ExSP serial number: the partner joins the ExSP program. */
export function activateExspSerial(serial: string): Promise<ApiResult<ExspActivation>> {
  return authorizedResult((headers) =>
    api.POST('/api/v1/licensing/exsp-serial/activate', { body: { serial }, headers }),
  );
}
