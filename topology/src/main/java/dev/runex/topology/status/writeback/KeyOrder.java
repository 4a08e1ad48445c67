package dev.runex.topology.status.writeback;

import java.util.Comparator;

/** The order of the keys a {@link WriteBackStore} lays its waiting changes over. */
final class KeyOrder {
  /** Keys compare by code point: the byte order of their UTF-8 encoding, which RocksDB sorts by. */
  static final Comparator<String> UTF8 =
      (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
          int ca = a.codePointAt(i);
          int cb = b.codePointAt(j);
          if (ca != cb) {
            return Integer.compare(ca, cb);
          }
          i += Character.charCount(ca);
          j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
      };

  private KeyOrder() {}
}
