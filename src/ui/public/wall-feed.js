// placeholder module replaced below once the violations API lands
export function startFeed() {}
