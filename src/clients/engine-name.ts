/** The client engines a scenario can choose (`engine:`). */
export type EngineName = 'socket.io' | 'socket.io-lean' | 'ws' | 'socketcluster';
