export async function loadPermits() {
  return null;
}
export function renderPermits() {}
