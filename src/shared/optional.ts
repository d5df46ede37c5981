import { InputError } from './errors.ts';

/**
 * The optional packages: package.json `peerDependencies` marked optional in `peerDependenciesMeta`,
 * so npm installs them only when the user adds them (a later `npm install` of anything else does
 * not bring them back), and imported only by the feature that needs them.
 */
export const OPTIONAL_PACKAGES = {
  zeromq: 'the `router` topology (ZeroMQ broker)',
  redis: 'the Redis adapter (`cluster:N:redis`, `sticky:…:redis`)',
  '@socket.io/redis-adapter': 'the Redis adapter (`cluster:N:redis`, `sticky:…:redis`)',
  testcontainers: '`--runtime containers`',
  '@testcontainers/redis': '`--runtime containers` with the Redis adapter',
  'scc-broker': 'the `socketcluster` topology (its brokers)',
  'scc-broker-client': "the `socketcluster` topology (its workers' broker client)",
  protobufjs: '`--output prometheus=URL` (remote write)',
  snappyjs: '`--output prometheus=URL` (remote write)',
} as const;

export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

/** True when `e` says that `pkg` itself (not something inside it) could not be found. */
function isMissing(e: unknown, pkg: string): boolean {
  const err = e as { code?: string; message?: string };
  return (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') && (err.message ?? '').includes(`'${pkg}'`);
}

/** The error for a feature whose optional package is not installed: names it and the command. */
export function missingPackageError(pkg: OptionalPackage, cause?: unknown): InputError {
  return new InputError('E_MISSING_PACKAGE', `${OPTIONAL_PACKAGES[pkg]} needs the optional package \`${pkg}\`, which is not installed`, {
    hint: `install it in this project: \`npm install ${pkg}\` (an optional peer dependency of rtbench: npm installs it only when asked)`,
    cause,
  });
}

/**
 * Import an optional package when its feature is used: `importOptional('zeromq', () => import('zeromq'))`.
 * A missing package becomes an E_MISSING_PACKAGE error naming it and the install command.
 */
export async function importOptional<T>(pkg: OptionalPackage, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    throw isMissing(e, pkg) ? missingPackageError(pkg, e) : e;
  }
}

/**
 * Fail early, in the parent, when a feature's optional package is missing (its child processes
 * import it): resolves the package without loading it.
 */
export function requireOptional(pkg: OptionalPackage): void {
  try {
    import.meta.resolve(pkg);
  } catch (e) {
    throw missingPackageError(pkg, e);
  }
}
