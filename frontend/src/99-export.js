// The bundle's one global.

globalThis.__wry = { createBridge: createBridge, version: VERSION };
