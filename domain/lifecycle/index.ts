/** The ticket lifecycle core: state, `decide`, deadlines and views. */
export * from './types';
export * from './time';
export * from './clocks';
export * from './open';
export * from './decide';
export * from './view';
export * from './version';
export * from './allowed';
