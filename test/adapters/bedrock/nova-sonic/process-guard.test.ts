import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { guardSdkStreamErrors, isSdkStreamError } from '../../../../adapters/bedrock/nova-sonic/process-guard.ts';
import { silentLogger } from '../../../../src/ports/logger.ts';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('guardSdkStreamErrors', () => {
  it('recognises the SDK stream errors of aws-sdk-js-v3 #7706 and nothing else', () => {
    expect(isSdkStreamError(withCode('ERR_STREAM_PREMATURE_CLOSE'))).toBe(true);
    expect(isSdkStreamError(withCode('ERR_STREAM_WRITE_AFTER_END'))).toBe(true);
    expect(isSdkStreamError(new TypeError('x is undefined'))).toBe(false);
    expect(isSdkStreamError('ERR_STREAM_PREMATURE_CLOSE')).toBe(false);
  });

  it('logs stream errors, rethrows real bugs, and uninstalls', () => {
    const target = new EventEmitter();
    const logged: unknown[] = [];
    const log = { ...silentLogger, error: (fields: object) => void logged.push(fields) };
    const remove = guardSdkStreamErrors(log, target);
    target.emit('uncaughtException', withCode('ERR_STREAM_PREMATURE_CLOSE'));
    target.emit('unhandledRejection', withCode('ERR_HTTP2_STREAM_ERROR'));
    expect(logged).toHaveLength(2);
    expect(() => target.emit('uncaughtException', new TypeError('bug'))).toThrow('bug');
    remove();
    expect(target.listenerCount('uncaughtException')).toBe(0);
    expect(target.listenerCount('unhandledRejection')).toBe(0);
  });
});
