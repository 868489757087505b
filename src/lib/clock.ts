/** Source of the current time in epoch milliseconds; injectable so day-long rules test in milliseconds. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
