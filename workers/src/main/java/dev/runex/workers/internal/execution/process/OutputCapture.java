package dev.runex.workers.internal.execution.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Drains one output stream of a job on a thread of its own, keeping the first {@code headCap} bytes
 * (stdout: the job's output) or the last {@code tailCap} bytes (stderr: where the reason for a
 * failure usually is), counting everything and dropping the rest, so a chatty job can never block
 * on a full pipe nor fill the worker's memory.
 */
final class OutputCapture {
  private final ByteArrayOutputStream head = new ByteArrayOutputStream();
  private final int headCap;
  private final byte[] tail;
  private int tailLength;
  private long total;
  private final Thread thread;

  private OutputCapture(InputStream in, long headCap, int tailCap, String name) {
    this.headCap = (int) Math.min(Integer.MAX_VALUE - 8, headCap);
    this.tail = new byte[tailCap];
    this.thread = new Thread(() -> drain(in), name);
    thread.setDaemon(true); // a stream held open by an escaped process must not keep the JVM alive
    thread.start();
  }

  /** Keeps the first {@code cap} bytes. */
  static OutputCapture head(InputStream in, long cap, String name) {
    return new OutputCapture(in, cap, 0, name);
  }

  /** Keeps the last {@code cap} bytes. */
  static OutputCapture tail(InputStream in, int cap, String name) {
    return new OutputCapture(in, 0, cap, name);
  }

  private void drain(InputStream in) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        keep(buf, n);
      }
    } catch (IOException e) {
      // the stream was closed under us (the job is over): what was read is what there is
    }
  }

  private synchronized void keep(byte[] buf, int n) {
    total += n;
    int room = headCap - head.size();
    if (room > 0) {
      head.write(buf, 0, Math.min(room, n));
    }
    if (tail.length > 0) {
      if (n >= tail.length) {
        System.arraycopy(buf, n - tail.length, tail, 0, tail.length);
        tailLength = tail.length;
      } else {
        int keepOld = Math.min(tailLength, tail.length - n);
        System.arraycopy(tail, tailLength - keepOld, tail, 0, keepOld);
        System.arraycopy(buf, 0, tail, keepOld, n);
        tailLength = keepOld + n;
      }
    }
  }

  /**
   * Waits up to {@code millis} for the stream's end (every writer gone); false if it did not come.
   */
  boolean awaitEnd(long millis) throws InterruptedException {
    thread.join(Math.max(1, millis));
    return !thread.isAlive();
  }

  synchronized byte[] headBytes() {
    return head.toByteArray();
  }

  synchronized String tailText() {
    return new String(Arrays.copyOf(tail, tailLength), StandardCharsets.UTF_8);
  }

  /** Every byte the job wrote, kept or not. */
  synchronized long total() {
    return total;
  }

  synchronized boolean truncated() {
    return total > headCap;
  }
}
