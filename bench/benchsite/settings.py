"""The production settings plus one URL: the floor view the intake is compared with."""

from gongzhi.settings import *  # noqa: F403

ROOT_URLCONF = "benchsite.urls"
