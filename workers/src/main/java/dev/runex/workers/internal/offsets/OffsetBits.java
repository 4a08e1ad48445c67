package dev.runex.workers.internal.offsets;

import java.util.Arrays;

/**
 * A set of non-negative offsets of one partition, as bits over the window they span: the offsets a
 * worker tracks lie between a commit point and the last fetch, close together, and it adds and
 * removes one per job on the poll thread — here without boxing a {@code Long} or balancing a tree.
 * Memory is one bit per offset of the window (the window is bounded by how far fetching may run
 * ahead of the commit point). Not thread-safe.
 */
final class OffsetBits {
  /** The offset of bit 0 of {@code words[0]}: a multiple of 64, or -1 while the set is empty. */
  private long base = -1;

  private long[] words = new long[2];

  /** No set bit in words below this index. */
  private int lowWord;

  private int size;

  boolean add(long offset) {
    requireValid(offset);
    if (base < 0) {
      base = offset & ~63L;
      lowWord = 0;
    } else if (offset < base) {
      extendDown(offset);
    }
    int word = ensureWord(offset);
    long bit = 1L << (offset & 63);
    if ((words[word] & bit) != 0) {
      return false;
    }
    words[word] |= bit;
    lowWord = Math.min(lowWord, word);
    size++;
    return true;
  }

  boolean remove(long offset) {
    int word = wordOf(offset);
    if (word < 0) {
      return false;
    }
    long bit = 1L << (offset & 63);
    if ((words[word] & bit) == 0) {
      return false;
    }
    words[word] &= ~bit;
    if (--size == 0) {
      clear();
    }
    return true;
  }

  boolean contains(long offset) {
    int word = wordOf(offset);
    return word >= 0 && (words[word] & (1L << (offset & 63))) != 0;
  }

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  /** The lowest offset in the set, or -1 when it is empty. */
  long first() {
    if (size == 0) {
      return -1;
    }
    int word = lowWordWithBits();
    return base + 64L * word + Long.numberOfTrailingZeros(words[word]);
  }

  /** Removes every offset below {@code offset}. */
  void removeBelow(long offset) {
    if (size == 0 || offset <= base) {
      return;
    }
    int limit = (int) Math.min(words.length, (offset - base) >>> 6);
    for (int i = lowWord; i < limit; i++) {
      size -= Long.bitCount(words[i]);
      words[i] = 0;
    }
    if (limit < words.length) {
      long keep = -1L << (offset & 63);
      size -= Long.bitCount(words[limit] & ~keep);
      words[limit] &= keep;
    }
    if (size == 0) {
      clear();
    } else {
      lowWord = Math.max(lowWord, limit);
    }
  }

  /** The offsets in the set, ascending. */
  long[] toArray() {
    long[] out = new long[size];
    int n = 0;
    for (int i = size == 0 ? words.length : lowWord; i < words.length && n < size; i++) {
      long w = words[i];
      while (w != 0) {
        out[n++] = base + 64L * i + Long.numberOfTrailingZeros(w);
        w &= w - 1;
      }
    }
    return out;
  }

  void clear() {
    Arrays.fill(words, 0);
    base = -1;
    lowWord = 0;
    size = 0;
  }

  @Override
  public String toString() {
    return Arrays.toString(toArray());
  }

  private static void requireValid(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offsets are not negative, was " + offset);
    }
  }

  /** The index of the word holding {@code offset}, or -1 when it lies outside the window. */
  private int wordOf(long offset) {
    if (base < 0 || offset < base) {
      return -1;
    }
    long word = (offset - base) >>> 6;
    return word < words.length ? (int) word : -1;
  }

  /**
   * The index of the word holding {@code offset} (at or above base), growing or sliding the window.
   */
  private int ensureWord(long offset) {
    long word = (offset - base) >>> 6;
    if (word < words.length) {
      return (int) word;
    }
    // drop the empty words at the bottom first: the window slides up as offsets finish
    int drop = size == 0 ? 0 : lowWordWithBits();
    if (drop > 0) {
      System.arraycopy(words, drop, words, 0, words.length - drop);
      Arrays.fill(words, words.length - drop, words.length, 0);
      base += 64L * drop;
      lowWord = 0;
      word -= drop;
    }
    if (word >= words.length) {
      if (word >= Integer.MAX_VALUE - 8) {
        throw new IllegalStateException(
            "offset " + offset + " is too far above the lowest tracked one, " + first());
      }
      words = Arrays.copyOf(words, (int) Math.max(word + 1, 2L * words.length));
    }
    return (int) word;
  }

  /** The lowest word with a set bit (the set is not empty); moves {@link #lowWord} up to it. */
  private int lowWordWithBits() {
    while (words[lowWord] == 0) {
      lowWord++;
    }
    return lowWord;
  }

  /** Moves the window's bottom down to hold {@code offset} (below the current base). */
  private void extendDown(long offset) {
    long newBase = offset & ~63L;
    long shift = (base - newBase) >>> 6;
    if (shift + words.length >= Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(
          "offset " + offset + " is too far below the lowest tracked one, " + first());
    }
    long[] grown = new long[(int) (shift + words.length)];
    System.arraycopy(words, 0, grown, (int) shift, words.length);
    words = grown;
    lowWord += (int) shift;
    base = newBase;
  }
}
