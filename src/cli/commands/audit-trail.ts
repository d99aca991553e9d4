/** Placeholder: `crossbar audit trail` is registered here by its own module (replaced by its author). */
export function registerAuditTrail(): void {}
