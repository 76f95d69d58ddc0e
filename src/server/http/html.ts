/** Text made safe for HTML content and attribute values: the one escaper of server-rendered HTML. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
