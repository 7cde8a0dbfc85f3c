/** REST bodies of the server's /api, shared by the server and main's session. */
import { z } from 'zod';
import { LIMITS } from './limits.ts';
import { usernameSchema, userIdSchema } from './ids.ts';
import { presenceStatusSchema } from './signaling.ts';

export const loginRequestSchema = z.object({
  username: usernameSchema,
  password: z.string().min(1).max(LIMITS.passwordChars),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const refreshRequestSchema = z.object({ refreshToken: z.string().min(1).max(200) });
export const logoutRequestSchema = refreshRequestSchema;

export const userProfileSchema = z.object({
  id: userIdSchema,
  username: usernameSchema,
  displayName: z.string().max(LIMITS.displayNameChars),
});
export type UserProfile = z.infer<typeof userProfileSchema>;

export const tokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int().positive(),
  user: userProfileSchema,
});
export type TokenPair = z.infer<typeof tokenPairSchema>;

export const circleSchema = z.object({
  id: z.string(),
  name: z.string().max(LIMITS.circleNameChars),
  members: z.array(userProfileSchema.extend({ status: presenceStatusSchema })),
});
export type Circle = z.infer<typeof circleSchema>;
export const circlesResponseSchema = z.object({ circles: z.array(circleSchema) });

export const iceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof iceServerSchema>;
export const iceServersResponseSchema = z.object({
  iceServers: z.array(iceServerSchema),
  /** Seconds the TURN credentials stay valid (absent when there are none). */
  ttl: z.number().int().positive().optional(),
  /** 'relay' when the firm wants all media through its TURN server (hides addresses). */
  iceTransportPolicy: z.enum(['all', 'relay']).optional(),
});

export const apiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;
