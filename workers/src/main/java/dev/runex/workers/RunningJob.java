package dev.runex.workers;

/**
 * A job whose attempt was started in rewind epoch {@code epoch}. Identity tells its completion
 * apart from one of the same job refetched later: each started attempt has its own instance, the
 * one its completion carries back. Equality and hash are by identity on purpose — the record's
 * default would hash the whole {@code Job} (params and labels included) on every map operation,
 * which was a tenth of the worker thread's time.
 */
record RunningJob(FetchedJob fetched, long epoch) {
  @Override
  public boolean equals(Object other) {
    return this == other;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
