# expect: adu 'ctl': caps: unknown name 'root'; valid: manage
[adu ctl]
memory = 8M
image = guest
caps = root
