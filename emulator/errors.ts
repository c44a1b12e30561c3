import { Metadata, status } from '@grpc/grpc-js';
import { encodeMessage, packAny, type Any, type Msg } from './proto';

/** An error answered to the caller with a gRPC status, a message and optional typed details, as the server does. */
export class ServiceError extends Error {
  constructor(
    readonly code: status,
    message: string,
    readonly detail?: Any,
  ) {
    super(message);
  }

  /** The `grpc-status-details-bin` trailer carrying `google.rpc.Status` with the typed detail. */
  metadata(): Metadata {
    const metadata = new Metadata();
    if (this.detail) {
      const statusMsg: Msg = { code: this.code, message: this.message, details: [this.detail] };
      metadata.set('grpc-status-details-bin', Buffer.from(encodeMessage('google.rpc.Status', statusMsg)));
    }
    return metadata;
  }
}

const detail = (name: string, value: Msg) => packAny(`temporal.api.errordetails.v1.${name}`, value);

/** NOT_FOUND for an unknown workflow, run, task or update. */
export function notFound(message: string): ServiceError {
  return new ServiceError(
    status.NOT_FOUND,
    message,
    detail('NotFoundFailure', { currentCluster: 'active', activeCluster: 'active' }),
  );
}

/** NOT_FOUND with NamespaceNotFoundFailure, which the client turns into NamespaceNotFoundError. */
export function namespaceNotFound(namespace: string): ServiceError {
  return new ServiceError(
    status.NOT_FOUND,
    `Namespace ${namespace} is not found.`,
    detail('NamespaceNotFoundFailure', { namespace }),
  );
}

/** INVALID_ARGUMENT for a malformed or unsupported request. */
export function invalidArgument(message: string): ServiceError {
  return new ServiceError(status.INVALID_ARGUMENT, message);
}

/** ALREADY_EXISTS with WorkflowExecutionAlreadyStartedFailure. */
export function alreadyStarted(message: string, startRequestId: string, runId: string): ServiceError {
  return new ServiceError(
    status.ALREADY_EXISTS,
    message,
    detail('WorkflowExecutionAlreadyStartedFailure', { startRequestId, runId }),
  );
}

/** FAILED_PRECONDITION, e.g. an operation on a closed workflow that the server refuses that way. */
export function failedPrecondition(message: string): ServiceError {
  return new ServiceError(status.FAILED_PRECONDITION, message);
}

/** QueryFailed: INVALID_ARGUMENT with QueryFailedFailure, as the server answers a query the worker failed. */
export function queryFailed(message: string, failure?: Msg): ServiceError {
  return new ServiceError(
    status.INVALID_ARGUMENT,
    message,
    detail('QueryFailedFailure', failure ? { failure } : {}),
  );
}
