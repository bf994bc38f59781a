// @warden/posture/internal: what Warden's own packages need beyond the public surface (the
// `warden serve` fleet summary assesses a snapshot it also reads drills from). No semver promise.
export { assessPosture, CONTROL_TITLES } from './posture';
