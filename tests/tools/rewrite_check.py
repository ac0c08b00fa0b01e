#!/usr/bin/env python3
"""rewrite_check FILE BLOCKS [BLOCK_SIZE]: for each block, O_DIRECT pwrite
generation 1, then generation 2 over the same sectors, then O_DIRECT read it
back: it must hold generation 2 (a stale copy of generation 1 that reached
the target after generation 2 would show here). Prints the number of blocks
that read back wrong and exits 1 if any did. `--expect FILE BLOCKS` only
checks that FILE (e.g. the target's backing file) holds generation 2."""
import mmap
import os
import sys


def pattern(gen, block, size):
    return (b"gen%d block%06d " % (gen, block) * (size // 16 + 1))[:size]


def main():
    args = sys.argv[1:]
    expect_only = args and args[0] == "--expect"
    if expect_only:
        args = args[1:]
    path, blocks = args[0], int(args[1])
    size = int(args[2]) if len(args) > 2 else 4096
    if expect_only:
        with open(path, "rb") as f:
            data = f.read(blocks * size)
        bad = [b for b in range(blocks) if data[b * size:(b + 1) * size] != pattern(2, b, size)]
    else:
        fd = os.open(path, os.O_RDWR | os.O_DIRECT)
        wbuf, rbuf = mmap.mmap(-1, size), mmap.mmap(-1, size)  # page-aligned for O_DIRECT
        bad = []
        for b in range(blocks):
            for gen in (1, 2):
                wbuf[:] = pattern(gen, b, size)
                if os.pwrite(fd, wbuf, b * size) != size:
                    sys.exit("short write")
            if os.preadv(fd, [rbuf], b * size) != size:
                sys.exit("short read")
            if rbuf[:] != pattern(2, b, size):
                bad.append(b)
        os.close(fd)
    for b in bad[:10]:
        print("block %d does not hold generation 2" % b, file=sys.stderr)
    print("blocks=%d wrong=%d" % (blocks, len(bad)))
    sys.exit(1 if bad else 0)


main()
