/** The states of a lean Socket.IO connection (socketio-lean.ts), as small integers. */
export const IDLE = 0;
/** WebSocket handshake, then Engine.IO open packet. */
export const OPENING = 1;
/** Socket.IO CONNECT sent, waiting for the server's CONNECT / CONNECT_ERROR. */
export const JOINING = 2;
export const CONNECTED = 3;
export const CLOSED = 4;
