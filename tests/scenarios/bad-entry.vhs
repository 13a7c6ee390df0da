# expect: adu 'ctl': entry: 0x80400000 is outside the image
[adu ctl]
memory = 8M
image = guest
entry = 0x80400000
