/**
 * The one error type that reaches the wire. Everything a client can see as an
 * EC2 error is an Ec2Error; anything else escaping an action is a bug and is
 * rendered as InternalError (500) with the request id logged.
 */
export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'Ec2Error';
  }
}

export function isEc2Error(e: unknown): e is Ec2Error {
  return e instanceof Ec2Error;
}
