package brain

import "syscall"

const sysGetcpu = syscall.SYS_GETCPU
