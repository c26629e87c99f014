import { lazy, type ComponentType, type LazyExoticComponent } from "react";

// As React's own `lazy`: any props; they are checked where the component is used.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyComponent = ComponentType<any>;

/** A component loaded on demand from a module's named export (React's `lazy` wants a default
 * one): its code is not parsed and run before it is first shown. */
export function lazyNamed<M extends Record<K, AnyComponent>, K extends string>(load: () => Promise<M>, name: K): LazyExoticComponent<M[K]> {
  return lazy(() => load().then((m) => ({ default: m[name] })));
}
