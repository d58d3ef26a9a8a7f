// Event names: the same rule as Python's wry.models.check_event_name.
// Letters, digits, "_", "-", "." with optional ":" namespaces; "*" only for listening.

const EVENT_NAME = /^[A-Za-z0-9_.\-]+(:[A-Za-z0-9_.\-]+)*$/;
const NAME_RULE =
  "use letters, digits, '_', '-', '.' with optional ':' namespaces (e.g. 'app:save'); " +
  "'*' only for listening";

function isEventName(type, allowWildcard) {
  if (typeof type !== "string") return false;
  if (type === "*") return !!allowWildcard;
  return EVENT_NAME.test(type);
}

function logError(message, error) {
  if (error === undefined) console.error("[wry] " + message);
  else console.error("[wry] " + message, error);
}
