/**
 * Lines written to a stream that a reader may close early (`recgate export impressions |
 * head`): once the pipe is gone (EPIPE) the writer is told to stop and no error escapes as
 * a stack trace; any other write error is thrown by the next write.
 */

export interface OutputSink {
  /** Writes one chunk, waiting for the stream to drain; false once the reader has gone. */
  write(chunk: string): Promise<boolean>;
  /** Detaches from the stream. */
  close(): void;
}

/** Resolves on 'drain', 'close' or 'error' (which onError records), leaving no listener behind. */
function drainedOrGone(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      for (const event of ['drain', 'close', 'error']) stream.removeListener(event, done);
      resolve();
    };
    for (const event of ['drain', 'close', 'error']) stream.once(event, done);
  });
}

export function openOutputSink(stream: NodeJS.WritableStream = process.stdout): OutputSink {
  let gone = false;
  let failure: Error | null = null;
  const onError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') gone = true;
    else failure = error;
  };
  stream.on('error', onError);
  return {
    async write(chunk) {
      if (failure) throw failure;
      if (gone) return false;
      if (!stream.write(chunk)) await drainedOrGone(stream);
      if (failure) throw failure;
      return !gone;
    },
    close() {
      // Stays attached: an EPIPE may still arrive for the last chunk after the command ends.
      if (!gone && !failure) stream.removeListener('error', onError);
    },
  };
}
