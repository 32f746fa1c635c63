import { api, t } from './common.js';

// The kinds of work and their levels as the service registers them (GET /api/permit-kinds): the
// pages label permits from these instead of keeping their own copies. Loaded once per page.
let kinds = new Map();
let loading = null;

/** Fetches the kinds once; a failure leaves the ids as labels (the page still works). */
export function loadPermitKinds() {
  loading ??= api('/api/permit-kinds')
    .then((list) => {
      kinds = new Map(list.map((k) => [k.id, k]));
    })
    .catch(() => {
      loading = null; // try again on the next load
    });
  return loading;
}

/** The short name of a kind (动火 / Hot work), or its id when unknown. */
export function kindText(kindId) {
  const k = kinds.get(kindId);
  return k ? t(k.shortName.zh, k.shortName.en) : kindId;
}

/** The name of a kind's level (特级 / special), or its id when unknown. */
export function levelText(kindId, levelId) {
  const l = kinds.get(kindId)?.levels.find((x) => x.id === levelId);
  return l ? t(l.name.zh, l.name.en) : levelId;
}

/** The kind's whole summary (names, levels, and whatever facts the service publishes), or undefined. */
export const kindSummary = (kindId) => kinds.get(kindId);

/** Every kind, in the service's order (the create form's choices). */
export const kindList = () => [...kinds.values()];
