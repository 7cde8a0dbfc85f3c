/** Size limits shared by client-side validation and the server. */
export const LIMITS = {
  /** An SDP body; real offers with audio, camera and screen are 5–15 KB. */
  sdpChars: 32_000,
  candidateChars: 1_024,
  idChars: 64,
  /** Socket.io refuses any single packet larger than this (bytes). */
  packetBytes: 64_000,
  usernameChars: 64,
  displayNameChars: 100,
  passwordChars: 200,
  minPasswordChars: 8,
  circleNameChars: 100,
  reasonChars: 200,
} as const;
