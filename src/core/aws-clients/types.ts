/**
 * The few shapes crossbar relies on in any SDK v3 client, command and paginator. Packages are loaded by name
 * at run time, so these are checked when loaded (load-service.ts) rather than imported as types.
 */
export interface AwsCommand {
  readonly input: unknown;
  /** The operation's static schema (`[9, namespace, name, traits, input, output]`) in schema-based SDK clients. */
  readonly schema?: unknown;
}

export interface SendOptions {
  abortSignal?: AbortSignal;
}

export type MiddlewareHandler = (args: unknown) => Promise<unknown>;
export type Middleware = (next: MiddlewareHandler, context: { commandName?: string }) => MiddlewareHandler;

export interface AwsClient {
  send(command: AwsCommand, options?: SendOptions): Promise<unknown>;
  destroy(): void;
  readonly middlewareStack: {
    add(middleware: Middleware, options: { step: 'initialize' | 'build'; name: string }): void;
  };
  readonly config: unknown;
}

export type CreateCommand = (input: Record<string, unknown>) => AwsCommand;

/** `paginateDescribeInstances({ client }, input, options)`: the SDK's own page loop. */
export type Paginator = (
  config: { client: AwsClient; pageSize?: number },
  input: Record<string, unknown>,
  ...extra: SendOptions[]
) => unknown;
