"""Source-type rules for speakers: the story-specific part of :mod:`analysis.text.attribution`.

Kept apart from the attribution logic because it is what a study on another
story edits: the names below (Trump, Geng Shuang, Hikvision, ...) are tuned
to 2018-2020 US-China technology coverage. A study can also override them
per actor with ``source_type`` in study.toml, which takes precedence.
"""

from __future__ import annotations

import re
from typing import get_args

from analysis.core.study import SourceType

# A starting point for US-China tech coverage, checked in order on the speaker phrase and then on
# its appositive ("Maya Wang, a researcher at Human Rights Watch"); the first hit wins, so anonymity
# outranks affiliation and an NGO's "researcher" is NGO, not expert. A study overrides it per actor
# with ``source_type`` in study.toml.
SOURCE_RULES: list[tuple[str, re.Pattern[str]]] = [(t, re.compile(rf"\b(?:{p})\b", re.IGNORECASE)) for t, p in [
    ("anonymous", r"(?:people|persons?|sources?|someone) (?:familiar|close|briefed|with knowledge)|sources?|"
                  r"anonym(?:ous|ity)|(?:declined|asked|requested) (?:not )?to be (?:named|identified)|"
                  r"not authori[sz]ed to|insiders?|unnamed"),
    ("ngo_advocacy", r"Human Rights (?:Watch|Project)|Amnesty|ACLU|Civil Liberties|World (?:Uighur|Uyghur) Congress|"
                     r"Campaign for|Freedom House|Electronic Frontier|EFF|Reporters Without Borders|activists?|"
                     r"advoca(?:tes?|cy)|rights groups?|campaign(?:ers?|ing groups?| groups?)|non-?profit|NGOs?|"
                     r"exile groups?|protest(?:s|ers|ors)?(?: (?:movement|groups?|organi[sz]ers?|leaders?))?|"
                     r"pro-democracy (?:activists?|camp|movement|groups?|leaders?|campaigners?|figures?)|"
                     r"demonstrators|Civil Human Rights Front|"
                     # Interest groups, as media-sourcing studies code them: business and trade associations,
                     # chambers of commerce and unions speak for members, not as a firm.
                     r"Chamber of Commerce|chamber['’]s (?:chair\w*|president|head)|Farm Bureau|"
                     r"(?:[A-Z][\w&-]*\s+){1,5}(?:Association|Alliance|Federation|Coalition|"
                     r"Roundtable)|(?:Industry|Trade|Business|Manufacturers|Retail) (?:Council|Group)|"
                     r"Association of [A-Z]\w+|(?:labor|trade) unions?|AFL-CIO|lobby(?:ing)? groups?|"
                     r"trade (?:groups?|associations?)|business groups?|industry groups?"),
    # Former officials speak in a private capacity, as commentators ("a former Canadian ambassador to China").
    ("expert", r"former (?:[\w.'’-]+ ){0,4}(?:ambassador|officials?|diplomats?|advis[eo]rs?|secretary|negotiators?|"
               r"ministers?|envoys?|director|aide|counsel)|professor|Prof|analysts?|researchers?|experts?|scholars?|economists?|fellow|think[- ]tank|"
               r"university|college|historian|institute|Cent(?:er|re) for|Brookings|Council on Foreign Relations|CSIS|"
               r"Heritage Foundation|lecturer|consultan(?:t|cy)|strategist|(?:chief )?investment officer|"
               r"(?:portfolio|fund) manager|"
               # research units of banks and news firms: "Bloomberg Economics", "Capital Economics"
               r"[A-Z][\w'’&]+ (?:Economics|Analytics|Research)|Eurasia Group|Economist Intelligence Unit"),
    ("media", r"Reuters|AFP|Agence France|Associated Press|Bloomberg|Xinhua|Global Times|People['’]s Daily|CGTN|"
              r"China Daily|Caixin|Taoran Notes|"
              r"CCTV|South China Morning Post|(?:New York|Financial) Times|Wall Street Journal|"
              r"Washington (?:Post|Examiner|Times)|TechCrunch|CNN|BBC|Fox News|Al Jazeera|correspondent|"
              r"(?:news)?papers?|tabloid|broadcaster|news (?:agency|outlet|site|service)|state(?:-run)? media|"
              r"journalists?|reporters?|editor(?:ial)?|columnist"),
    # The Hong Kong SAR executive answers to Beijing; its legislators are another government's members
    # (checked before the US rules, whose "lawmakers" would take them).
    ("chinese_government", r"(?:Hong Kong|Macau|Macao)(?: SAR)?(?:['’]s)? (?:[a-z-]+ )?(?:Chief Executive|leader|government|"
                           r"authorities|Chief Secretary|police)|Liaison Office|Hong Kong and Macao Affairs Office"),
    ("government_other", r"(?:pro-democracy|pro-Beijing|pro-establishment|opposition|Hong Kong|British|Canadian|"
                         r"Australian|Japanese|Taiwanese|German|French|European|EU) (?:lawmakers?|legislators?|MPs?|"
                         r"parliamentarians?)|Legislative Council|LegCo|Members? of Parliament|\bMPs?\b"),
    ("us_government", r"Commerce (?:Department|Secretary)|Council of Economic Advisers|National Economic Council|"
                      r"(?:U\.S\. |US )?Trade Representative|USTR|Bureau of Industry and Security|USDOC|"
                      r"Department of (?:Commerce|State|Defense|Justice|the Treasury)|"
                      r"Secretary of (?:State|Commerce|Defense|the Treasury|Agriculture|Energy|Labor|the Interior|"
                      r"Education|Transportation|Homeland Security)|(?:Agriculture|Energy|Labor|Interior|Education|"
                      r"Transportation|Homeland Security|Treasury|Defense) Secretary|Department of (?:Agriculture|"
                      r"Energy|Labor|Homeland Security)|USDA|(?:U\.S\.|US) Department|press secretary|"
                      r"(?:State|Treasury|Justice|Defense) "
                      r"Department|White House|Pentagon|Treasury|administration|Bureau of Industry|FCC|FBI|Sen|"
                      # "Representative" only as a House title (not "High Representative of", "a representative for")
                      r"senators?|Rep|(?:U\.S\.|US) Representatives?|House of Representatives|"
                      r"(?-i:Representative [A-Z])\w*|"
                      r"congress(?:man|woman)|Congress|lawmakers?|Senate|"
                      r"(?:House|Senate) (?:Minority|Majority|Democratic|Republican) (?:Leader|Whip)|House Speaker|"
                      r"(?:House|Senate)(?: [A-Z]\w+){0,3} Committee|"
                      r"(?:U\.S\.?|US|American|United States) (?:officials?|government|embassy|ambassador|"
                      r"trade representative|prosecutors?|diplomats?|president|secretary|negotiators?|envoy)|"
                      # a cabinet title left unresolved ("the Secretary said"): in US-China coverage, a US secretary
                      r"^(?:the )?(?-i:Secretary)$|"
                      r"^(?:the )?(?:U\.S\.|US|United States|America|Washington)$|Trump|Pompeo|Ross|"
                      r"Mnuchin|Lighthizer|Pence|Kudlow|Navarro|Bolton|Rubio|Cotton|Cruz|Pelosi|Schumer|McConnell"),
    ("chinese_government", r"Foreign Ministry|Ministry of (?:Foreign Affairs|Commerce|Public Security)|"
                           r"Commerce Ministry|MOFCOM|Geng Shuang|Hua Chunying|Lu Kang|Zhao Lijian|Wang Wenbin|Wang Yi|"
                           r"Gao Feng|Cui Tiankai|Xi Jinping|(?:President|Mr\.?) Xi|^Xi$|Chen Quanguo|Shohrat Zakir|"
                           r"(?:Chinese|China['’]s) (?:embassy|officials?|government|authorities|ministry|ambassador|"
                           r"consulate|leaders?|diplomats?|spokes\w+|side|regulators?|(?:Vice )?(?:Premier|President)|"
                           r"(?:Foreign |Commerce )?Minister|State Councilor|central bank)|Li Keqiang|Liu He|Wang Qishan|Beijing(?!-based)|"
                           r"(?:Xinjiang|regional) (?:government|authorities)|Communist Party|CCP|CPC|State Council|"
                           r"^(?:China|the Chinese side)$"),
    ("company", r"compan(?:y|ies)|firms?|Inc|Corp|Ltd|LLC|CEO|chief executive|founder|executives|chair(?:man|woman)|"
                r"Huawei|ZTE|Hikvision|Dahua|SenseTime|Megvii|iFlytek|Yitu|Xiaomi|Tencent|Alibaba|ByteDance|TikTok|"
                r"DJI|Google|Apple|Microsoft|Qualcomm|Intel|Micron|Nvidia|Facebook|Amazon|TSMC|industry|"
                r"Securities|Capital|Holdings|Group"),
    ("government_other", r"governments?|minist(?:ry|ries|ers?)|department|agency|embassy|parliament|authorities|"
                         r"officials?|regulators?|(?-i:(?:Vice )?President|Premier|Chancellor) (?-i:[A-Z])\w*|"
                         r"European (?:Union|Commission)|EU|United Nations|U\.N|"
                         r"military|army|armed forces"),
]]

# Every source type a quote can get: the study's types, and 'unknown' for a quote with no speaker.
SOURCE_TYPES: tuple[str, ...] = (*get_args(SourceType), "unknown")
