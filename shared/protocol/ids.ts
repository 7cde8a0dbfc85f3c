import { z } from 'zod';
import { LIMITS } from './limits.ts';

/** A user id as the wire carries it (`to`/`from`): an opaque string. */
export const userIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.idChars)
  .regex(/^[A-Za-z0-9_-]+$/, 'user ids are letters, digits, _ and -');
export type UserId = z.infer<typeof userIdSchema>;

/** A call id, made by the caller or, for seed clients that send none, by the server. */
export const callIdSchema = z
  .string()
  .min(8)
  .max(LIMITS.idChars)
  .regex(/^[A-Za-z0-9_-]+$/, 'call ids are letters, digits, _ and -');
export type CallId = z.infer<typeof callIdSchema>;

export const usernameSchema = z
  .string()
  .min(1)
  .max(LIMITS.usernameChars)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'usernames are lower-case letters, digits, ".", "_" and "-"');
