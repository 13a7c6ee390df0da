# expect: adu 'linux': image: '
# expect: is 13 MiB (13631488 bytes) but memory 16 MiB leaves 12 MiB for it
# expect: raise memory to at least 18M
[adu linux]
memory = 16M
image = big
