import { randomUUID } from 'node:crypto';
import type { Debugger } from 'debug';
import { type LocalHttpResponse, type LocalHttpServer, startLocalHttpServer } from './local-http-server.js';
import { AwsServiceError } from './service-error.js';
import { escapeXml, renderXml, type XmlFields } from './xml.js';

/** Serves one action synchronously, returning the children of `<ActionResult>`; throws `AwsServiceError` to fail. */
type QueryDispatch = (action: string, params: URLSearchParams) => XmlFields;

/** How a Query-protocol service is served. */
interface QueryProtocolOptions {
  /** The response namespace, such as `http://rds.amazonaws.com/doc/2014-10-31/`. */
  readonly xmlNamespace: string;
  readonly log: Debugger;
  readonly dispatch: QueryDispatch;
}

function xmlReply(status: number, requestId: string, body: string): LocalHttpResponse {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

/**
 * Starts a server speaking the AWS Query protocol: form-encoded `Action=...&Version=...` POST bodies, answered
 * with `<ActionResponse><ActionResult>...</ActionResult><ResponseMetadata/></ActionResponse>`, or with
 * `<ErrorResponse>` (Type `Sender` for 4xx, `Receiver` for 5xx), which the SDK maps to its modelled exceptions.
 */
function startQueryProtocolServer(options: QueryProtocolOptions): Promise<LocalHttpServer> {
  const xmlns = `xmlns="${escapeXml(options.xmlNamespace)}"`;
  return startLocalHttpServer((request) => {
    const requestId = randomUUID();
    const params = new URLSearchParams(request.body);
    const action = params.get('Action') ?? '';
    try {
      if (action === '') throw new AwsServiceError('MissingAction', 'The request must contain the parameter Action.');
      const result = renderXml(options.dispatch(action, params));
      options.log('%s -> 200', action);
      const metadata = `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`;
      return xmlReply(
        200,
        requestId,
        `<${action}Response ${xmlns}><${action}Result>${result}</${action}Result>${metadata}</${action}Response>`,
      );
    } catch (error) {
      const failure =
        error instanceof AwsServiceError
          ? error
          : new AwsServiceError('InternalFailure', error instanceof Error ? error.message : String(error));
      options.log('%s -> %d %s: %s', action, failure.status, failure.type, failure.message);
      const errorXml = renderXml({
        Type: failure.status < 500 ? 'Sender' : 'Receiver',
        Code: failure.type,
        Message: failure.message,
      });
      return xmlReply(
        failure.status,
        requestId,
        `<ErrorResponse ${xmlns}><Error>${errorXml}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    }
  });
}

export { startQueryProtocolServer };
export type { QueryDispatch, QueryProtocolOptions };
