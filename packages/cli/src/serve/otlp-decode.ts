/**
 * OTLP/HTTP trace request bodies in (protobuf or JSON), spans out through core's one decoder
 * (`decodeOtlpTraces`, which `warden report` uses too); and the response back in the
 * request's encoding.
 */
import { decodeOtlpTraces, MalformedOtlpError, type DecodedSpan, type DecodedTraceRequest, type OtlpEncoding } from '@warden/core/internal';
import { ExportTraceServiceRequestType, ExportTraceServiceResponseType, RpcStatusType } from './otlp-schema';

export { MalformedOtlpError, type DecodedSpan, type DecodedTraceRequest, type OtlpEncoding };

export function decodeTraceRequest(body: Buffer, encoding: OtlpEncoding): DecodedTraceRequest {
  let message: unknown;
  if (encoding === 'protobuf') {
    try {
      message = ExportTraceServiceRequestType.decode(body);
    } catch (e) {
      throw new MalformedOtlpError(`protobuf body does not decode: ${(e as Error).message}`);
    }
  } else {
    try {
      message = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw new MalformedOtlpError(`JSON body does not parse: ${(e as Error).message}`);
    }
  }
  return decodeOtlpTraces(message, encoding);
}

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/** ExportTraceServiceResponse; partialSuccess only when something was rejected, as the spec asks. */
export function encodeTraceResponse(encoding: OtlpEncoding, partial?: PartialSuccess): Buffer {
  if (encoding === 'json') {
    const body = partial ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } } : {};
    return Buffer.from(JSON.stringify(body));
  }
  const message = ExportTraceServiceResponseType.create(partial ? { partialSuccess: partial } : {});
  return Buffer.from(ExportTraceServiceResponseType.encode(message).finish());
}

export function decodeTraceResponse(body: Buffer, encoding: OtlpEncoding): PartialSuccess | undefined {
  const o = (
    encoding === 'json'
      ? JSON.parse(body.toString('utf8'))
      : ExportTraceServiceResponseType.toObject(ExportTraceServiceResponseType.decode(body), { longs: Number })
  ) as { partialSuccess?: { rejectedSpans?: number | string; errorMessage?: string } };
  if (!o.partialSuccess) return undefined;
  return { rejectedSpans: Number(o.partialSuccess.rejectedSpans ?? 0), errorMessage: o.partialSuccess.errorMessage ?? '' };
}

/** The body of a failure response (google.rpc.Status), in the request's encoding. */
export function encodeRpcStatus(encoding: OtlpEncoding, code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return Buffer.from(RpcStatusType.encode(RpcStatusType.create({ code, message })).finish());
}
