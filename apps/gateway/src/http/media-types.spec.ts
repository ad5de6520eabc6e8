import { CommonErrorCode, ErrorCode } from '@itsm/contracts';
import { JSON_MEDIA_TYPE, mediaTypeOf, unsupportedBody } from './media-types';

describe('media types of request bodies', () => {
  it('reads the media type without its parameters, in lower case', () => {
    expect(mediaTypeOf('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaTypeOf(undefined)).toBeUndefined();
    expect(mediaTypeOf(' ')).toBeUndefined();
  });

  it('takes JSON on a JSON route, and a request without a body whatever it says', () => {
    expect(unsupportedBody('POST', { 'content-type': 'application/json; charset=utf-8' }, true, [JSON_MEDIA_TYPE])).toBeUndefined();
    expect(unsupportedBody('POST', {}, false, [JSON_MEDIA_TYPE])).toBeUndefined();
    expect(unsupportedBody('GET', { 'content-type': 'text/plain' }, false, [JSON_MEDIA_TYPE])).toBeUndefined();
  });

  it('refuses text on a JSON route with 415 naming the type it takes', () => {
    const refusal = unsupportedBody('POST', { 'content-type': 'text/plain;charset=UTF-8' }, true, [JSON_MEDIA_TYPE]);

    expect(refusal).toMatchObject({
      code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      reason: CommonErrorCode.UnsupportedMediaType,
      message: 'this route takes a body of type application/json, not text/plain',
      details: { errors: [{ field: 'Content-Type', message: 'must be application/json' }] },
    });
  });

  it('refuses a body without a Content-Type, and an empty one that names a type the route does not take', () => {
    expect(unsupportedBody('PATCH', {}, true, [JSON_MEDIA_TYPE])?.message).toBe('the request body has no Content-Type; this route takes application/json');
    expect(unsupportedBody('POST', { 'content-type': 'text/plain' }, false, [JSON_MEDIA_TYPE])?.code).toBe(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
  });

  it('takes each type a route declares, and names them all when refusing another', () => {
    const accepted = [JSON_MEDIA_TYPE, 'text/calendar'];

    expect(unsupportedBody('POST', { 'content-type': 'text/calendar' }, true, accepted)).toBeUndefined();
    expect(unsupportedBody('POST', { 'content-type': 'text/csv' }, true, accepted)?.message).toBe('this route takes a body of type application/json or text/calendar, not text/csv');
  });
});
