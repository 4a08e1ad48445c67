package dev.runex.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate classes it does not trust while reading and writing specific
 * records. Our generated records live in {@code dev.runex.schemas}; this adds that package to
 * whatever the process already trusts (system properties included), once.
 */
public final class AvroTrust {
  private static volatile boolean done;

  private AvroTrust() {}

  public static void ensure() {
    if (done) {
      return;
    }
    synchronized (AvroTrust.class) {
      if (!done) {
        ClassSecurityValidator.ClassSecurityPredicate runex =
            c -> c.getName().startsWith("dev.runex.schemas.");
        ClassSecurityValidator.setGlobal(
            ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), runex));
        done = true;
      }
    }
  }
}
