import { duplicateName, unknownName } from "../models/lib/errors.js";

/**
 * Maps names to factories (controllers, workloads, sinks ...). A name registered twice is refused
 * unless the second registration says `override: true`; an unknown name is a UserError listing the
 * known ones.
 */
export interface Registry<T> {
  register(name: string, factory: T, options?: { override?: boolean }): void;
  get(name: string): T;
  names(): string[];
}

export function createRegistry<T>(kind: string): Registry<T> {
  const entries = new Map<string, T>();
  return {
    register(name, factory, options = {}) {
      if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`${kind} name "${name}" must be lower-case letters, digits and dashes`);
      if (typeof factory !== "function") throw new Error(`${kind} "${name}": factory must be a function`);
      if (entries.has(name) && !options.override) throw duplicateName(kind, name);
      entries.set(name, factory);
    },
    get(name) {
      const factory = entries.get(name);
      if (factory === undefined) throw unknownName(kind, name, [...entries.keys()]);
      return factory;
    },
    names: () => [...entries.keys()],
  };
}
