// A real KmsApi for handler tests: records every call and answers with whatever the test says.
import type { Input, KmsApi, OperationName, Output, RequestContext } from '../../../src/service/shapes.js';

export interface RecordedCall {
  readonly operation: OperationName;
  readonly input: unknown;
  readonly context: RequestContext;
}

export type Responder = (operation: OperationName, input: unknown, context: RequestContext) => unknown;

export class RecordingKmsApi implements KmsApi {
  readonly calls: RecordedCall[] = [];
  respond: Responder = () => ({});

  async execute<O extends OperationName>(operation: O, input: Input<O>, context: RequestContext): Promise<Output<O>> {
    this.calls.push({ operation, input, context });
    // The responder stands in for the service; what it returns is the test's business.
    return (await this.respond(operation, input, context)) as Output<O>;
  }
}
