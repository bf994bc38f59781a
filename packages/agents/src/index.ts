// The public surface of @warden/agents: re-exports only.
export {};
