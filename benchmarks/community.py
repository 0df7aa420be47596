"""A generated worldwide developer community with the truth of who is who.

`generate(people, seed)` makes N people (deterministic by seed) whose names follow
the world's distribution as it shows in the C++ community, where common names are
common: a "Wei Wang" or a "Rahul Kumar" is carried by several different people,
each with their own accounts, logins and addresses. `load(community)` writes their
profiles through the bulk loaders and returns base_profile id -> person key, as
`loaders.ops.sample.load` does.

Where the people come from (shares of N, approximate): Chinese-origin names 24 %,
Indian 15 %, English-speaking 14 %, Spanish / Portuguese 7 %, Russian and East
European 7 %, German 6 %, Japanese 4 %, Korean 4 %, Arabic 3 %, French 3 %,
Vietnamese 2 %, Italian 2 %, Turkish 2 %, and 7 % a long tail of invented
syllable names (almost all unique). The origin shares are rounded from public
developer-population figures (GitHub Octoverse users by country, the Stack
Overflow developer survey's respondents by country), bent toward the C++
community's own mix; they are meant to be roughly right, not exact.

Within an origin, surnames and given names are drawn with weights taken from
public name statistics, rounded: Chinese surnames from the 2020 household
registration figures (Wang 7 %, Li 8 %, Zhang 7 %, Liu 5 %, Chen 4.5 %, ...: ten
surnames cover ~43 % of people); Korean from the 2015 census (Kim 21 %, Lee 15 %,
Park 8 %); Vietnamese from common estimates (Nguyen 38 %, Tran 11 %, Le 9.5 %);
English from the US Census surname list (Smith 0.8 %, Johnson 0.7 %, ...) and SSA
given names; Japanese, German, Russian, Spanish, Indian, Arabic, French, Italian
and Turkish from national "most common surname" lists. What the listed names do
not cover (Chinese ~35 %, English ~75 %, ...) is a tail of names generated from
the origin's syllables, so that many people have a name no one else carries.

Each person has 1-5 profiles: a GitHub account (a unique numeric id, a login
derived from the name or a handle, sometimes a public address; 1 % of people have
a second, work account), commit identities (name + address, or the
`id+login@users.noreply.github.com` address GitHub writes; loaded as list-style
name + address profiles, because the unknown-GitHub-author loader keys by name
alone and would fold two namesakes' commits into one profile whose truth is two
people), Slack users (two workspaces; id, handle, real name, address), list posts
(name + address, sometimes the work address, a middle initial, accents stripped,
lower case, "Last, First", family name first, a nickname or a one-letter slip),
rarely a Discord user, a WG21 paper author or a YouTube speaker. A few bots.
"""

from __future__ import annotations

import random
import string
import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

# origin: (share %, surnames with % of the origin, given names with %, tail syllables)
W = list[tuple[str, float]]


def _w(text: str) -> W:
    """'Wang 7.1, Li 7.9' -> [('Wang', 7.1), ('Li', 7.9)]."""
    out: W = []
    for part in text.split(","):
        name, weight = part.strip().rsplit(" ", 1)
        out.append((name, float(weight)))
    return out


@dataclass(frozen=True)
class Origin:
    name: str
    share: float
    surnames: W
    given: W
    surname_parts: tuple[tuple[str, ...], tuple[str, ...]]
    given_parts: tuple[tuple[str, ...], tuple[str, ...]]
    family_first: float = 0.0  # share of a person's profiles written family name first
    freemail: tuple[str, ...] = ("gmail.com", "outlook.com", "yahoo.com", "hotmail.com")


def _parts(a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(a.split()), tuple(b.split())


ORIGINS = [
    Origin(
        "chinese",
        24,
        _w(
            "Wang 7.1, Li 7.9, Zhang 6.8, Liu 5.4, Chen 4.5, Yang 3.1, Huang 2.2, Zhao 2.2,"
            " Wu 2.0, Zhou 1.9, Xu 1.5, Sun 1.5, Ma 1.2, Zhu 1.2, Hu 1.1, Guo 1.1, He 1.0,"
            " Lin 1.0, Gao 1.0, Luo 0.9, Zheng 0.9, Liang 0.8, Xie 0.7, Song 0.6, Tang 0.6,"
            " Han 0.6, Feng 0.5, Deng 0.5, Cao 0.5, Peng 0.5, Zeng 0.5, Xiao 0.5, Tian 0.4,"
            " Dong 0.4, Pan 0.4, Yuan 0.4, Cai 0.4, Jiang 0.4, Yu 0.4, Du 0.4, Ye 0.4,"
            " Cheng 0.4, Wei 0.3, Su 0.3, Lu 0.3, Ding 0.3, Ren 0.3, Shen 0.3, Yao 0.3"
        ),
        _w(
            "Wei 4.0, Jing 2.5, Li 2.0, Min 2.0, Jun 2.0, Lei 2.0, Yan 1.8, Hui 1.5, Ming 1.5,"
            " Hao 1.5, Jie 1.5, Tao 1.4, Yang 1.3, Bin 1.2, Chao 1.2, Gang 1.0, Ping 1.0,"
            " Qiang 1.0, Fang 1.0, Na 0.9, Ying 0.9, Xin 0.9, Yu 0.9, Peng 0.8, Fei 0.8,"
            " Lin 0.8, Long 0.7, Bo 0.7, Kai 0.7, Yi 0.7, Kevin 1.2, Jason 0.8, David 0.6,"
            " Eric 0.6, Tony 0.5, Jack 0.5, Frank 0.4, Leo 0.4, Vincent 0.4, Alice 0.4"
        ),
        _parts(
            "Qi Mu Bai Kong Yin Hou Shi Wan Mo Gu Geng Xiong Mao Qin Qian Jin Wei Xue Yan"
            " Duan Lei Hou Long Shao Meng Qiao Gong Wen Fu Fang Kang Lai Tan Jia Xia Zou"
            " Shi Hao Yin Qiu Qin Gu Hou Shao Meng Long Wan Duan Lei Qian Tang Yi Chang"
            " Wu Kuang Ou Sima Ouyang Zhuge Niu Ji Ning Sang Chai Hua Ruan Bian Lan Kou"
            " Zang Mu Jiao Ge Che Xing Tong Nie Chu Bao Ai Rong Ling Zhai Zuo Bi Mi Pei",
            "",
        ),
        _parts(
            "Zhi Xiao Jian Wen Jia Yu Hong Guo Chun Zi Hai Ya Meng Si Shu Tian Xue Yong Zhen Rui",
            "wei ming hua jun yang hao yu lin qing xuan han chen feng long jie ting yi rong kai bo",
        ),
        family_first=0.25,
        freemail=("gmail.com", "qq.com", "163.com", "outlook.com", "foxmail.com", "126.com"),
    ),
    Origin(
        "indian",
        15,
        _w(
            "Kumar 8, Singh 7, Sharma 6, Patel 5, Gupta 3, Reddy 3, Shah 2, Rao 2, Das 2,"
            " Khan 2, Agarwal 1.5, Jain 1.5, Mishra 1.5, Verma 1.5, Joshi 1.5, Yadav 1.5,"
            " Iyer 1.2, Nair 1.2, Mehta 1.2, Bhat 1, Desai 1, Mukherjee 1, Banerjee 1,"
            " Chatterjee 1, Pillai 0.8, Menon 0.8, Srinivasan 0.8, Krishnan 0.8,"
            " Subramanian 0.8, Chopra 0.7, Kulkarni 0.7, Naidu 0.6, Pandey 0.8, Tiwari 0.7"
        ),
        _w(
            "Rahul 3, Amit 3, Priya 2.5, Vikram 2, Anil 2, Sunil 2, Rajesh 2.5, Suresh 2,"
            " Ramesh 1.8, Arjun 1.5, Aditya 1.5, Rohit 1.8, Sanjay 1.8, Deepak 1.8, Ankit 1.5,"
            " Pooja 1.5, Neha 1.5, Kiran 1.2, Ravi 2, Vijay 1.8, Manish 1.5, Abhishek 1.8,"
            " Nikhil 1.5, Saurabh 1.2, Vivek 1.5, Ashok 1.2, Arun 1.5, Karthik 1.5, Anand 1.2,"
            " Prakash 1.2, Sachin 1.2, Gaurav 1.2, Akash 1, Varun 1, Sneha 1, Divya 1"
        ),
        _parts(
            "Venkat Krishna Bala Ragha Chandra Sub Rama Gopal Siva Nara Mahe Prab",
            "raman murthy swamy kar nathan appa iah van rajan esh",
        ),
        _parts(
            "Har Sri Pra Ro Ma Di Ra Ja Su Vi Ni Ka Sa Ha An",
            "shant deep vin esh nav ish it raj ay an ika eet",
        ),
        freemail=("gmail.com", "yahoo.co.in", "outlook.com", "rediffmail.com", "hotmail.com"),
    ),
    Origin(
        "english",
        14,
        _w(
            "Smith 0.8, Johnson 0.7, Williams 0.6, Brown 0.55, Jones 0.55, Miller 0.45,"
            " Davis 0.45, Wilson 0.35, Anderson 0.35, Taylor 0.35, Thomas 0.35, Moore 0.3,"
            " Martin 0.3, Jackson 0.3, White 0.3, Thompson 0.3, Clark 0.25, Lewis 0.25,"
            " Walker 0.25, Hall 0.25, Young 0.25, Allen 0.25, King 0.25, Wright 0.25,"
            " Scott 0.25, Green 0.2, Baker 0.2, Adams 0.2, Nelson 0.2, Hill 0.2, Campbell 0.2,"
            " Mitchell 0.2, Roberts 0.2, Carter 0.2, Phillips 0.2, Evans 0.2, Turner 0.2,"
            " Parker 0.2, Collins 0.2, Edwards 0.2, Stewart 0.2, Morris 0.2, Murphy 0.2,"
            " Cook 0.2, Rogers 0.2, Morgan 0.2, Cooper 0.2, Peterson 0.2, Reed 0.2,"
            " Bailey 0.2, Kelly 0.2, Howard 0.2, Ward 0.2, Cox 0.2, Richardson 0.2"
        ),
        _w(
            "James 3.3, John 3.3, Robert 3.1, Michael 2.6, William 2.5, David 2.4,"
            " Richard 1.5, Joseph 1.3, Thomas 1.1, Charles 1.1, Christopher 1.0, Daniel 1.0,"
            " Matthew 0.8, Mark 0.7, Paul 0.7, Steven 0.7, Andrew 0.6, Brian 0.6, Kevin 0.6,"
            " Jason 0.5, Jeffrey 0.5, Ryan 0.5, Eric 0.5, Jonathan 0.5, Peter 0.5,"
            " Mary 1.5, Jennifer 0.9, Sarah 0.6, Emily 0.5, Jessica 0.5, Elizabeth 0.5,"
            " Laura 0.4, Rachel 0.4, Emma 0.4, Benjamin 0.6, Samuel 0.5, Nathan 0.4"
        ),
        _parts(
            "Ash Black Brad Whit Hart Stan Fair Wood Thorn Ken Hol Lang Penn Brig Shel Mar",
            "ford ley ton well wick field worth by stead ham more bury wood ridge",
        ),
        _parts("Bren Cal Dar Jor Kay Lin Ros Tre Wes Gra Ev Qu", "den ley ton an ie ick ett a"),
        freemail=("gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com"),
    ),
    Origin(
        "spanish",
        7,
        _w(
            "García 4, Rodríguez 3.5, Martínez 3, Hernández 3, López 3, González 3,"
            " Pérez 2.5, Sánchez 2.5, Ramírez 2, Torres 1.8, Flores 1.5, Rivera 1.5,"
            " Gómez 1.5, Díaz 1.5, Cruz 1.2, Morales 1.2, Reyes 1.2, Gutiérrez 1,"
            " Ortiz 1, Ruiz 1, Silva 2, Santos 2, Oliveira 2, Souza 1.5, Costa 1.5,"
            " Ferreira 1.2, Alves 1.2, Romero 1, Navarro 0.8, Castillo 0.8"
        ),
        _w(
            "José 4, Juan 3.5, María 3, Carlos 3, Luis 2.5, Jorge 2, Miguel 2, Pedro 1.8,"
            " Diego 1.8, Javier 1.8, Alejandro 1.8, Fernando 1.5, Pablo 1.5, Andrés 1.2,"
            " Sofía 1, Lucía 1, Ana 1.5, Gabriel 1.5, João 2, Rafael 1.5, Francisco 2,"
            " Antonio 2, Manuel 1.5, Sergio 1.2, Ricardo 1.2"
        ),
        _parts(
            "Valde Carri Echa Iba Zamo Belt Albor Mendi Urqui Barra", "rrama llo varría ñez ra ola"
        ),
        _parts("Ra Ma Ti Ve Lo Ce Jo Ari", "món rcos rso nicio renzo lso el"),
        freemail=("gmail.com", "hotmail.com", "outlook.com", "yahoo.es", "uol.com.br"),
    ),
    Origin(
        "russian",
        7,
        _w(
            "Ivanov 2.5, Smirnov 2, Kuznetsov 1.8, Popov 1.6, Vasiliev 1.4, Petrov 1.4,"
            " Sokolov 1.2, Mikhailov 1.1, Novikov 1.0, Fedorov 1.0, Morozov 1.0, Volkov 1.0,"
            " Alekseev 0.9, Lebedev 0.9, Semenov 0.9, Egorov 0.8, Pavlov 0.8, Kozlov 0.8,"
            " Stepanov 0.8, Nikolaev 0.8, Kovalenko 1.0, Shevchenko 1.2, Bondarenko 0.8,"
            " Nowak 1.0, Kowalski 0.9, Wiśniewski 0.6, Novák 0.6, Horváth 0.6"
        ),
        _w(
            "Alexander 5, Dmitry 4.5, Sergey 4, Andrey 4, Alexey 3.5, Maxim 3, Ivan 3,"
            " Mikhail 3, Nikolai 2, Vladimir 2.5, Evgeny 2.5, Pavel 2.5, Yuri 2, Igor 2.5,"
            " Oleg 2, Roman 2, Anton 2, Denis 2, Artem 1.5, Kirill 1.5, Piotr 1.5,"
            " Tomasz 1.5, Anna 1.5, Elena 1.5, Olga 1.5, Natalia 1.2"
        ),
        _parts(
            "Bely Zaits Gusa Tarak Kras Dorof Kolyt Shpak Zhur Gorb Medved Lysen",
            "ov ev in enko sky chuk yak",
        ),
        _parts("Vya Sta Yaro Ruslo Gle Ze Bogda Ti", "cheslav nislav slav n b nov mur"),
        freemail=("gmail.com", "yandex.ru", "mail.ru", "outlook.com", "wp.pl"),
    ),
    Origin(
        "german",
        6,
        _w(
            "Müller 1.5, Schmidt 1.1, Schneider 0.8, Fischer 0.7, Weber 0.6, Meyer 0.6,"
            " Wagner 0.6, Becker 0.5, Schulz 0.5, Hoffmann 0.5, Schäfer 0.4, Koch 0.4,"
            " Bauer 0.4, Richter 0.4, Klein 0.4, Wolf 0.4, Schröder 0.3, Neumann 0.3,"
            " Schwarz 0.3, Zimmermann 0.3, Braun 0.3, Krüger 0.3, Hofmann 0.3,"
            " Hartmann 0.3, Lange 0.3, Huber 0.4, Gruber 0.3"
        ),
        _w(
            "Thomas 3, Michael 3, Andreas 3, Stefan 2.5, Christian 2.5, Markus 2, Martin 2,"
            " Peter 2, Frank 1.5, Jürgen 1.5, Matthias 2, Tobias 1.8, Florian 1.8, Jan 2,"
            " Sebastian 2, Lukas 1.5, Julia 1.2, Anna 1.2, Katrin 1, Sabine 1, Daniel 2,"
            " Alexander 2, Felix 1.2, Johannes 1.2, Philipp 1.5"
        ),
        _parts(
            "Brenn Eichen Falken Gold Kirch Linden Rosen Stein Wald Hagen Berg Eisen",
            "mann berger hof stätter bach feld huber meier",
        ),
        _parts("Det Hel Wolf Gun Rein Ul Diet", "mar mut gang ther hard rich"),
        freemail=("gmail.com", "gmx.de", "web.de", "posteo.de", "t-online.de"),
    ),
    Origin(
        "japanese",
        4,
        _w(
            "Sato 1.5, Suzuki 1.5, Takahashi 1.1, Tanaka 1.1, Watanabe 1.0, Ito 0.9,"
            " Yamamoto 0.9, Nakamura 0.9, Kobayashi 0.8, Kato 0.7, Yoshida 0.7, Yamada 0.7,"
            " Sasaki 0.6, Yamaguchi 0.5, Matsumoto 0.5, Inoue 0.5, Kimura 0.5, Hayashi 0.4,"
            " Shimizu 0.4, Yamazaki 0.4"
        ),
        _w(
            "Kenji 3, Hiroshi 3, Takashi 3, Yuki 2.5, Akira 2.5, Satoshi 2.5, Daisuke 2,"
            " Takuya 2, Kazuki 2, Shota 2, Yusuke 2, Haruto 1.5, Ren 1.5, Yuta 2, Naoki 2,"
            " Tomohiro 1.5, Keiko 1, Yoko 1, Aiko 1, Ryo 2, Kohei 1.5, Masato 1.5"
        ),
        _parts(
            "Naka Yama Ta Ki Matsu Kawa Ishi Mori Hara Fuji Taka Hashi Shima Oka No Ao Mi",
            "mura moto da kawa shita uchi zaki no gawa hara ta yama saki mori oka",
        ),
        _parts("Hide Masa Kazu Tomo Nobu Yoshi Shin Tatsu Toshi", "ki o ya hiro nori taka ichi"),
        family_first=0.2,
        freemail=("gmail.com", "yahoo.co.jp", "outlook.jp", "icloud.com"),
    ),
    Origin(
        "korean",
        4,
        _w(
            "Kim 21.5, Lee 14.7, Park 8.4, Choi 4.7, Jung 4.3, Kang 2.3, Cho 2.1, Yoon 2.1,"
            " Jang 2.0, Lim 1.7, Han 1.5, Oh 1.5, Seo 1.5, Shin 1.5, Kwon 1.4, Hwang 1.4,"
            " Ahn 1.3, Song 1.3, Yoo 1.1, Hong 1.1"
        ),
        [],
        _parts("Moon Baek Heo Nam Bae Ko Jeon Ryu Son Yang", ""),
        _parts(
            "Min Ji Seo Hyun Jun Young Sung Jae Dong Eun Soo Hye Woo Ha Yeon",
            "jun woo ho hoon min jin young soo seok hee yeon su won bin ah",
        ),
        family_first=0.25,
        freemail=("gmail.com", "naver.com", "daum.net", "hanmail.net"),
    ),
    Origin(
        "arabic",
        3,
        _w(
            "Mohammed 4, Ahmed 3.5, Ali 3.5, Hassan 3, Ibrahim 2.5, Hussein 2, Mahmoud 2,"
            " Mustafa 1.5, Khalil 1.2, Abdullah 1.5, Saleh 1.2, Nasser 1, Youssef 1,"
            " Haddad 1, Khoury 1, Mansour 1, Rahman 1.5, Hamdan 0.8, Farouk 0.8"
        ),
        _w(
            "Mohammed 6, Muhammad 5, Mohamed 3, Ahmed 4, Ali 3, Omar 3, Youssef 2, Khaled 2,"
            " Hassan 2, Ibrahim 2, Mahmoud 1.5, Karim 1.5, Tarek 1.5, Samir 1.2, Amir 1.5,"
            " Fatima 1, Layla 1, Nour 1, Rami 1.2, Hamza 1.2, Bilal 1"
        ),
        _parts("Al-Ra Al-Sha Bou Ben Abu El-Ka", "shid mri zid ssan hlan tib"),
        _parts("Mu Ja Wa Ha Sa Na", "nir lal zim bib hir dim"),
        freemail=("gmail.com", "hotmail.com", "yahoo.com", "outlook.com"),
    ),
    Origin(
        "french",
        3,
        _w(
            "Martin 1.5, Bernard 0.8, Dubois 0.7, Thomas 0.7, Robert 0.6, Richard 0.6,"
            " Petit 0.6, Durand 0.6, Leroy 0.5, Moreau 0.5, Simon 0.5, Laurent 0.5,"
            " Lefebvre 0.5, Michel 0.5, Garnier 0.3, Rousseau 0.3, Lefèvre 0.3"
        ),
        _w(
            "Jean 4, Pierre 3, Nicolas 3, Julien 2.5, Antoine 2, François 2, Camille 1.5,"
            " Sébastien 2, Mathieu 2, Guillaume 2, Thomas 2, Olivier 2, Stéphane 1.5,"
            " Céline 1, Émilie 1, Clément 1.5"
        ),
        _parts("Beau Chate Mont Roche Vil Fon Cler Delà", "champ lain neuve fort mont taine ville"),
        _parts("Ame Bap Gaë Lo Mael Quen", "dée tiste l ïc tin"),
        freemail=("gmail.com", "orange.fr", "free.fr", "laposte.net", "outlook.fr"),
    ),
    Origin(
        "vietnamese",
        2,
        _w(
            "Nguyen 38, Tran 11, Le 9.5, Pham 7.1, Hoang 5.1, Phan 4.5, Vu 3.9, Dang 2.1,"
            " Bui 2, Do 1.4, Ho 1.3, Ngo 1.3, Duong 1, Ly 0.5"
        ),
        _w(
            "Anh 6, Minh 6, Huy 4, Khang 2, Bao 3, Long 3, Duc 4, Tuan 5, Hung 4, Linh 4,"
            " Trang 3, Thao 2, Hieu 3, Nam 4, Quang 3, Thanh 4, Dung 3, Hai 3, Phuong 2,"
            " Hoa 2, Khoa 3, Son 3, Vinh 2, Trung 3"
        ),
        _parts("Lam Trinh Mai Cao Ta Quach", ""),
        _parts("Van Thi Ngoc Tam Khanh Phuc Nhan Kiet", ""),
        family_first=0.35,
        freemail=("gmail.com", "yahoo.com.vn", "outlook.com"),
    ),
    Origin(
        "italian",
        2,
        _w(
            "Rossi 2, Russo 1.5, Ferrari 1.2, Esposito 1.2, Bianchi 1, Romano 1, Colombo 1,"
            " Ricci 0.8, Marino 0.8, Greco 0.8, Bruno 0.7, Gallo 0.7, Conti 0.7"
        ),
        _w(
            "Marco 4, Luca 4, Giuseppe 3, Andrea 3.5, Francesco 3.5, Matteo 3,"
            " Alessandro 3.5, Lorenzo 2, Davide 2.5, Stefano 2.5, Paolo 2.5, Giulia 1.5"
        ),
        _parts("Bel Cara Del Fio Mon Pa Santa Vi", "lini vaggio monte renza tanari squale"),
        _parts("Ema Fa Gia Ric Vit", "nuele bio como cardo torio"),
        freemail=("gmail.com", "libero.it", "hotmail.it", "outlook.it"),
    ),
    Origin(
        "turkish",
        2,
        _w(
            "Yılmaz 4, Kaya 3, Demir 3, Şahin 2.5, Çelik 2.5, Yıldız 2, Yıldırım 2,"
            " Öztürk 2, Aydın 2, Özdemir 2, Arslan 1.5, Doğan 1.5"
        ),
        _w(
            "Mehmet 6, Mustafa 5, Ahmet 5, Emre 3, Burak 3, Murat 3, Ali 3, Hüseyin 2,"
            " Hasan 2, İbrahim 2, Can 2, Cem 1.5, Elif 1.5, Zeynep 1.5"
        ),
        _parts("Kara Ak Er Gül Tek Bay", "soy oğlu taş can kan dağ"),
        _parts("Ser Tol Eg Ba Ön", "kan ga e ran der"),
        freemail=("gmail.com", "hotmail.com", "yandex.com.tr", "outlook.com"),
    ),
]
RARE_SHARE = 7.0  # % of people with invented syllable names (nearly all unique)
SYLLABLE_C = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "dr",
    "kr",
    "st",
    "tr",
    "th",
    "ch",
    "sh",
]
SYLLABLE_V = ["a", "e", "i", "o", "u", "ai", "ei", "ou", "ia"]

NICKNAMES = {
    "Michael": "Mike",
    "James": "Jim",
    "William": "Bill",
    "Robert": "Bob",
    "Richard": "Rick",
    "Joseph": "Joe",
    "Thomas": "Tom",
    "Christopher": "Chris",
    "Daniel": "Dan",
    "Matthew": "Matt",
    "Andrew": "Andy",
    "Steven": "Steve",
    "Jonathan": "Jon",
    "Benjamin": "Ben",
    "Samuel": "Sam",
    "Jennifer": "Jen",
    "Elizabeth": "Liz",
    "Alexander": "Alex",
    "Dmitry": "Dima",
    "Sergey": "Sergei",
    "Alexey": "Alex",
    "Mikhail": "Misha",
    "Vladimir": "Vova",
    "Evgeny": "Zhenya",
    "Nikolai": "Kolya",
    "Alejandro": "Alex",
    "Francisco": "Paco",
    "José": "Pepe",
    "Andreas": "Andi",
    "Sebastian": "Basti",
    "Tobias": "Tobi",
    "Abhishek": "Abhi",
    "Vikram": "Vik",
    "Mohammed": "Mo",
    "Muhammad": "Mo",
    "Alessandro": "Ale",
    "Giuseppe": "Beppe",
    "Nicolas": "Nico",
    "Guillaume": "Will",
}
WORK_DOMAINS = _w(
    "bigchip.com 8, quantsoft.com 6, tensorworks.io 5, nordsys.com 4, cloudforge.com 6,"
    " gamestudio.net 3, autodrive.ai 3, fintrade.com 4, hpclab.org 2, embedded-co.de 3,"
    " compilerhaus.dev 2, example-univ.edu 4, tech-univ.edu 3, uni-beispiel.de 2,"
    " daxue.edu.cn 3, iit-example.ac.in 3, kaist-example.ac.kr 1, netcorp.com 3,"
    " opticom.fr 1, robotix.co.jp 2, searchco.com 6, phoneworks.com 4, dbvendor.com 2,"
    " simcorp.io 2, telecom-example.cn 3, outsource-example.in 4, boost-consulting.com 1"
)
WORKSPACES = ("cpplang", "boost")
BOTS = [
    ("dependabot[bot]", 49699333),
    ("github-actions[bot]", 41898282),
    ("renovate[bot]", 29139614),
    ("codecov[bot]", 22429695),
]


def ascii_fold(text: str) -> str:
    """Accents stripped (García -> Garcia, Yılmaz -> Yilmaz)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("İ", "I"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _pick(rng: random.Random, weighted: W) -> str:
    return rng.choices([n for n, _ in weighted], weights=[w for _, w in weighted])[0]


def _coin(
    rng: random.Random, parts: tuple[tuple[str, ...], tuple[str, ...]], inner: float = 0.0
) -> str:
    """A name from a head and a tail part ("Falken" + "mann"); with probability
    `inner`, a syllable between them ("Falkenomann"), as rare surnames are far
    more varied than a head x tail list (a surname no list holds is carried by
    few people: at most two full names per 2,000 people in real histories)."""
    head, tail = parts
    if not tail or tail == ("",):
        return rng.choice(head)
    middle = rng.choice(SYLLABLE_C) + rng.choice(SYLLABLE_V) if rng.random() < inner else ""
    word = rng.choice(head) + middle + rng.choice(tail)
    return word[0].upper() + word[1:]


def _syllables(rng: random.Random, low: int, high: int) -> str:
    word = "".join(
        rng.choice(SYLLABLE_C) + rng.choice(SYLLABLE_V) for _ in range(rng.randint(low, high))
    )
    if rng.random() < 0.5:
        word += rng.choice("nrlsmk")
    return word.capitalize()


@dataclass
class Person:
    key: int
    origin: str
    given: str
    family: str
    middle: str = ""  # an initial ("T"), shown on some profiles
    family_first: float = 0.0
    addresses: list[str] = field(default_factory=list)  # personal first, then work
    handle: str = ""

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


@dataclass
class Community:
    people: list[Person] = field(default_factory=list)
    # loader name -> rows, each row's truth key in `truth[loader]` (same order)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    truth: dict[str, list[Hashable]] = field(default_factory=dict)

    def add(self, person: Hashable, loader: str, row: dict[str, Any]) -> None:
        self.rows.setdefault(loader, []).append(row)
        self.truth.setdefault(loader, []).append(person)

    def profile_count(self) -> int:
        return sum(len(r) for r in self.rows.values())


class _Registry:
    """Unique logins, addresses and ids, as the platforms hand them out."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()
        self.ids: set[int] = set()

    def unique(self, wanted: str, sep: str = "") -> str:
        candidate = wanted
        while candidate.lower() in self.taken:
            candidate = f"{wanted}{sep}{self._digits()}"
        self.taken.add(candidate.lower())
        return candidate

    def address(self, local: str, domain: str) -> str:
        local = "".join(c for c in ascii_fold(local).lower() if c.isalnum() or c in "._-")
        local = local.strip("._-") or "dev"
        candidate = f"{local}@{domain}"
        while candidate in self.taken:
            candidate = f"{local}{self._digits()}@{domain}"
        self.taken.add(candidate)
        return candidate

    def _digits(self) -> str:
        rng = self.rng
        return rng.choice([str(rng.randint(1, 99)), str(rng.randint(1960, 2005))])

    def number(self, low: int, high: int) -> int:
        n = self.rng.randint(low, high)
        while n in self.ids:
            n = self.rng.randint(low, high)
        self.ids.add(n)
        return n


SYLLABIC = frozenset({"chinese", "korean", "vietnamese", "japanese"})


def _person(rng: random.Random, key: int) -> Person:
    roll = rng.uniform(0, sum(o.share for o in ORIGINS) + RARE_SHARE)
    for origin in ORIGINS:
        if roll < origin.share:
            break
        roll -= origin.share
    else:
        return Person(key, "rare", _syllables(rng, 1, 2), _syllables(rng, 2, 3))
    listed = sum(w for _, w in origin.surnames)
    family = (
        _pick(rng, origin.surnames)
        if rng.uniform(0, 100) < listed
        else _coin(rng, origin.surname_parts, inner=0.8)
    )
    listed_given = sum(w for _, w in origin.given)
    if origin.name == "chinese":
        listed_given = 55.0  # the rest: two-syllable given names (Zhiming, Xiaoyu, ...)
    given = (
        _pick(rng, origin.given)
        if origin.given and rng.uniform(0, 100) < listed_given
        # given names of the origins written in a few romanized syllables
        # (Zhiwei, Youngwon) are few; elsewhere a given name no list holds is
        # carried by few people, as a rare surname is
        else _coin(rng, origin.given_parts, inner=0.0 if origin.name in SYLLABIC else 0.8)
    )
    if (
        origin.name == "russian"
        and given in ("Anna", "Elena", "Olga", "Natalia")
        and family.endswith(("ov", "ev", "in"))
    ):
        family += "a"
    middle = (
        rng.choice(string.ascii_uppercase)
        if origin.name in ("english", "german") and rng.random() < 0.3
        else ""
    )
    return Person(key, origin.name, given, family, middle, origin.family_first)


def _slip(rng: random.Random, word: str) -> str:
    """One letter changed, dropped or doubled."""
    i = rng.randrange(1, len(word)) if len(word) > 1 else 0
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]
    if kind < 0.7 and len(word) > 3:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def shown_name(rng: random.Random, p: Person, formal: bool = False) -> str:
    """How a profile shows the person's name: mostly as they write it, sometimes varied."""
    given, family = p.given, p.family
    if p.middle and rng.random() < 0.5:
        given = f"{given} {p.middle}."
    roll = rng.random()
    if formal:
        return f"{given[0]}. {family}" if roll < 0.3 else f"{given} {family}"
    if roll < p.family_first:
        return f"{family} {p.given}"
    roll = rng.random()
    if roll < 0.10:
        return ascii_fold(f"{given} {family}")
    if roll < 0.14:
        return f"{given} {family}".lower()
    if roll < 0.17:
        return f"{family}, {given}"
    if roll < 0.25 and p.given in NICKNAMES:
        return f"{NICKNAMES[p.given]} {family}"
    if roll < 0.28:
        return f"{given} {_slip(rng, family)}"
    return f"{given} {family}"


def _handle(rng: random.Random, reg: _Registry, p: Person) -> str:
    g, f = (
        ascii_fold(p.given).lower().replace(" ", ""),
        ascii_fold(p.family).lower().replace(" ", ""),
    )
    f = "".join(c for c in f if c.isalnum())
    roll = rng.random()
    if roll < 0.3:
        wanted = g + f
    elif roll < 0.5:
        wanted = g[0] + f
    elif roll < 0.6:
        wanted = f + g
    elif roll < 0.7:
        wanted = (
            (g + f).capitalize() if rng.random() < 0.5 else p.given.capitalize() + f.capitalize()
        )
    elif roll < 0.8:
        wanted = g + "-" + f
    else:
        wanted = _syllables(rng, 2, 3).lower() + rng.choice(["", "", "dev", "x", "cpp", "42"])
    return reg.unique(ascii_fold(wanted), "")


def _addresses(
    rng: random.Random, reg: _Registry, p: Person, freemail: tuple[str, ...]
) -> list[str]:
    g, f = (
        ascii_fold(p.given).lower().replace(" ", ""),
        ascii_fold(p.family).lower().replace(" ", ""),
    )
    f = "".join(c for c in f if c.isalnum())
    locals_ = [f"{g}.{f}", g + f, g[0] + f, f + g, p.handle.lower(), f"{g}_{f}", f"{f}.{g}"]
    domain = rng.choice(freemail)
    local = (
        str(rng.randint(10000000, 3999999999))
        if domain == "qq.com" and rng.random() < 0.7
        else rng.choice(locals_)
    )
    out = [reg.address(local, domain)]
    if rng.random() < 0.35:
        out.append(reg.address(rng.choice(locals_[:4]), _pick(rng, WORK_DOMAINS)))
    if rng.random() < 0.1:
        out.append(reg.address(rng.choice(locals_), rng.choice(freemail)))
    return out


def _profiles(rng: random.Random, reg: _Registry, c: Community, p: Person) -> None:
    made: list[tuple[str, dict[str, Any]]] = []
    personal = p.addresses[0]
    github: list[tuple[int, str]] = []
    if rng.random() < 0.72:
        gid = reg.number(1_000, 160_000_000)
        roll = rng.random()
        display = shown_name(rng, p) if roll < 0.75 else ("" if roll < 0.9 else p.handle)
        email = rng.choice(p.addresses) if rng.random() < 0.3 else None
        made.append(
            (
                "load_github_accounts",
                {
                    "github_account_id": gid,
                    "username": p.handle,
                    "display_name": display,
                    "email": email,
                },
            )
        )
        github.append((gid, p.handle))
        if rng.random() < 0.014:  # a second, work account
            gid2 = reg.number(1_000, 160_000_000)
            login2 = reg.unique(p.handle + rng.choice(["-work", "-corp", "_at_work", "2"]))
            work = p.addresses[-1]
            made.append(
                (
                    "load_github_accounts",
                    {
                        "github_account_id": gid2,
                        "username": login2,
                        "display_name": shown_name(rng, p),
                        "email": work,
                    },
                )
            )
            github.append((gid2, login2))
    for gid, login in github:
        if rng.random() < 0.6:  # commits
            name = ascii_fold(shown_name(rng, p)) if rng.random() < 0.3 else shown_name(rng, p)
            roll = rng.random()
            if roll < 0.45:
                address = f"{gid}+{login}@users.noreply.github.com"
            elif roll < 0.5:
                address = f"{login}@users.noreply.github.com"
            else:
                address = rng.choice(p.addresses)
            made.append(("commits", {"display_name": name, "email": address}))
            if rng.random() < 0.3:
                made.append(("commits", {"display_name": name, "email": rng.choice(p.addresses)}))
    if rng.random() < 0.3:
        for workspace in WORKSPACES:
            if workspace == "boost" and rng.random() > 0.2:
                continue
            uid = f"U{reg.number(10**9, 10**10 - 1)}{workspace[0].upper()}"
            handle = p.handle.lower()
            if rng.random() < 0.4:
                dotted = f"{ascii_fold(p.given)}.{ascii_fold(p.family)}".lower().replace(" ", "")
                handle = reg.unique(dotted)
            profile: dict[str, Any] = {"image_72": f"https://slack.example/{uid}.png"}
            if rng.random() < 0.9:
                profile["email"] = rng.choice(p.addresses)
            made.append(
                (
                    "load_slack_users",
                    {
                        "id": uid,
                        "name": handle,
                        "real_name": shown_name(rng, p),
                        "profile": profile,
                    },
                )
            )
    if rng.random() < 0.35:
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            made.append(
                (
                    "load_mailing_list_profiles",
                    {"display_name": shown_name(rng, p), "email": rng.choice(p.addresses)},
                )
            )
    if rng.random() < 0.05:
        did = reg.number(10**17, 10**18)
        made.append(
            (
                "load_discord_profiles",
                {
                    "discord_user_id": did,
                    "username": p.handle.lower(),
                    "display_name": p.given if rng.random() < 0.5 else shown_name(rng, p),
                },
            )
        )
    if rng.random() < 0.03:
        made.append(
            (
                "load_wg21_paper_author_profiles",
                {"display_name": shown_name(rng, p, formal=True), "email": p.addresses[-1]},
            )
        )
    if rng.random() < 0.02:
        made.append(
            (
                "load_youtube_speakers",
                {
                    "external_id": f"UC{reg.number(10**15, 10**16)}",
                    "display_name": f"{p.given} {p.family}",
                },
            )
        )
    if not made:
        made.append(
            ("load_mailing_list_profiles", {"display_name": shown_name(rng, p), "email": personal})
        )
    for loader, row in made[:5]:
        c.add(p.key, loader, row)


def generate(people: int = 12_000, seed: int = 29) -> Community:
    """N people and their profiles; the same (people, seed) gives the same community."""
    rng = random.Random(seed)
    reg = _Registry(rng)
    community = Community()
    freemail = {o.name: o.freemail for o in ORIGINS}
    for key in range(people):
        p = _person(rng, key)
        p.handle = _handle(rng, reg, p)
        p.addresses = _addresses(rng, reg, p, freemail.get(p.origin, ORIGINS[2].freemail))
        community.people.append(p)
        _profiles(rng, reg, community, p)
    for login, gid in BOTS:
        bot = f"bot:{login}"
        community.add(
            bot,
            "load_github_accounts",
            {"github_account_id": gid, "username": login, "display_name": login},
        )
        community.add(
            bot,
            "commits",
            {"display_name": login, "email": f"{gid}+{login}@users.noreply.github.com"},
        )
    community.add(
        "bot:slackbot",
        "load_slack_users",
        {"id": "USLACKBOT", "name": "slackbot", "real_name": "Slackbot", "profile": {}},
    )
    community.add(
        "bot:github", "commits", {"display_name": "GitHub", "email": "noreply@github.com"}
    )
    return community


def load(community: Community, source: str = "community", conn: Any = None) -> dict[int, Hashable]:
    """Write every profile through the bulk loaders; returns base_profile_id -> person key
    (an int for a person, "bot:<name>" for a bot)."""
    import loaders

    truth: dict[int, Hashable] = {}
    for loader, rows in community.rows.items():
        function = (
            loaders.load_mailing_list_profiles if loader == "commits" else getattr(loaders, loader)
        )
        ids = function(rows, conn=conn, source="commits" if loader == "commits" else source)
        for pid, person in zip(ids, community.truth[loader], strict=True):
            if truth.setdefault(pid, person) != person:
                raise ValueError(f"profile {pid} would be two people: {truth[pid]!r}, {person!r}")
    return truth
