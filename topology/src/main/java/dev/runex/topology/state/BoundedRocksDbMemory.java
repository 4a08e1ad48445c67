package dev.runex.topology.state;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Caps the native memory of every RocksDB store in this process ({@code
 * runex.topology.rocksdbMemory}). Left to Kafka Streams' defaults, each store instance (a store per
 * partition: the topology has dozens) keeps its own 50 MB block cache and up to three 16 MB
 * memtables, so the process's resident memory climbs for hours towards several gigabytes. Here all
 * stores share one LRU block cache of the configured size, their memtables are charged to that same
 * cache by one write-buffer manager (half of it at most, then the largest memtable is flushed), and
 * index and filter blocks live in the cache too instead of beside it.
 *
 * <p>The cache is made once per process and budget: both Kafka Streams applications of a topology
 * process (the topology and the job-status application) draw on the one budget. Kafka Streams calls
 * {@link #close} per store; the shared cache stays for the process's life.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
  /** The Streams property carrying the budget in bytes (set from the runex setting). */
  public static final String BYTES_CONFIG = "runex.rocksdb.memory.bytes";

  /** Share of the budget the memtables may take; the rest caches blocks. */
  static final double WRITE_BUFFER_SHARE = 0.5;

  /** Share of the cache kept for index and filter blocks, so data blocks cannot evict them. */
  private static final double HIGH_PRIORITY_SHARE = 0.1;

  private static final Map<Long, Shared> SHARED = new HashMap<>();

  /** The process-wide cache and write-buffer manager, and the budget they were made with. */
  record Shared(long bytes, Cache cache, WriteBufferManager writeBuffers) {}

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    long bytes = budget(configs);
    if (bytes <= 0) {
      return; // 0: Kafka Streams' own defaults, per store
    }
    Shared s = shared(bytes);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(s.cache());
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(s.writeBuffers());
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // the cache and the write-buffer manager are shared by every store of the process: kept
  }

  static long budget(Map<String, Object> configs) {
    Object v = configs.get(BYTES_CONFIG);
    if (v == null) {
      return 0;
    }
    return v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
  }

  static synchronized Shared shared(long bytes) {
    return SHARED.computeIfAbsent(
        bytes,
        b -> {
          Cache cache = new LRUCache(b, -1, false, HIGH_PRIORITY_SHARE);
          return new Shared(
              b, cache, new WriteBufferManager((long) (b * WRITE_BUFFER_SHARE), cache));
        });
  }
}
